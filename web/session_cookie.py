"""Flask's signed-cookie session, without its cost for the visitors who have none.

Most requests (the public pages, the calculator's live quotes) come without a session
cookie; Flask would still build the cookie's signer (a key derivation) to open an empty
session and read seven cookie settings to save it."""

from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        # Without a secret key Flask's own answer (no session) stands.
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:
            # Nothing to write or to remove: what Flask would do in that case.
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app) -> None:
    app.session_interface = SessionInterface()
