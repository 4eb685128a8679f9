"""Stand-ins for the services outside the app, written from their documentation (not
from our adapters), for the tests to run against."""
