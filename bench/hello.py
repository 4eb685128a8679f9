"""A bare Flask "hello" view: the yardstick the benchmarks compare Tameen against."""

from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "hello"

    return app
