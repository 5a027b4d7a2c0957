"""Files in and out: the only writer of output folders, spreadsheets read and written, paths."""
