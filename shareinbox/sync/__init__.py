"""shareinbox."""
