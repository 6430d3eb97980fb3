"""The terminal app (Textual): chat, guided coding, browsing, tours. Nothing outside this package imports it."""
