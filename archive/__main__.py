from archive.cli import main

if __name__ == "__main__":  # worker processes import the main module again: it must not rerun the command
    main(prog_name="muragat")
