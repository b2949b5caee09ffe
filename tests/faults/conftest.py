# The sandbox with a school account, its S2S app and an OAuth app (the sandbox tests' fixture).
from tests.sandbox.conftest import zoom  # noqa: F401
