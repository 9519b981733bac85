"""Vietnamese text normalisation and analysis shared by parse, index and query."""
