"""`shareinbox demo`: sample shop mail, a private daemon and the TUI."""
