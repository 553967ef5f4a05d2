"""One error type for bad input, printed as a single line naming the key."""


class ConfigError(ValueError):
    """Bad user input: `key` is the dotted path, `allowed` says what would be accepted."""

    def __init__(self, key: str, problem: str, allowed: str = ""):
        self.key, self.problem, self.allowed = key, problem, allowed
        text = f"{key}: {problem}"
        if allowed:
            text += f"; allowed: {allowed}"
        super().__init__(text)


class OutputError(Exception):
    """An output could not be written (full disk, read-only folder, no permission): the path and the cause."""

    def __init__(self, path, err: OSError):
        self.path, self.err = str(path), err
        cause = err.strerror or str(err) or type(err).__name__
        super().__init__(f"cannot write {path}: {cause}")
