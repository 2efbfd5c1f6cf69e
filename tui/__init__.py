"""earmark's user interface: the command line (`cli`) and the Textual reader (`app`, its widgets
and screens)."""
