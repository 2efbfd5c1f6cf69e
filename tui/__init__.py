"""earmark's user interface: the command line and (later) the Textual reader."""
