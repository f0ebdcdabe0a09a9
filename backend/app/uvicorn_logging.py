"""The filter of uvicorn_logging.json (uvicorn --log-config): uvicorn's default logging writes its info lines to stderr,
where a supervisor such as Aspire's console log shows every line as an error; with this, info goes to stdout and only
warnings and errors to stderr."""
import logging
from typing import Callable


def below_warning() -> Callable[[logging.LogRecord], bool]:
    return lambda record: record.levelno < logging.WARNING
