"""The test suite. TAMEEN_CLOCK starts the one clock before any test code is imported, so
dates that test modules and helpers make at import ask the moved clock too."""

import os

import clock

clock.start_from_environment(os.environ)
