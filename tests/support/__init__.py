"""Helpers shared by the test files: real servers, readers of what the app shows, small
made-up inputs. No tests here; a test file imports from this package, never from another
test file."""
