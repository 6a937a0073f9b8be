"""Portal views, one module per concern. They parse input, check access, call one service or
selector and render (STYLE.md §1)."""
