"""`python -m archive` and the `muragat` command: the command line, or one line saying why it cannot start."""
import sys

from archive.pins import WrongVersion


def main() -> None:
    try:
        from archive.cli import main as command
    except WrongVersion as refusal:  # a dependency at another version than the one our code was written for
        sys.exit(f"muragat: {refusal}")
    command(prog_name="muragat")


if __name__ == "__main__":  # worker processes import the main module again: it must not rerun the command
    main()
