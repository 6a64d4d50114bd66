"""Reference solutions to the exercises."""
