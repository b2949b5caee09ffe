"""The Zoom sandbox: a stateful emulator of the parts of Zoom ZoomHub uses (the project's own
LocalStack for Zoom). Standard library only; see server.Sandbox and docs/sandbox.md.
"""
