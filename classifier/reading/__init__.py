"""Reading input: posting files, listing tables, labelled rows; bytes decoded in one place."""
