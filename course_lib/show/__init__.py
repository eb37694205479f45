"""4 · Showing embeddings and results: figures, text tables and interactive explorers.

- ``plots``: image grids (with nearest neighbours) and 2-D maps coloured by a label;
- ``tables``: the one plain-text table formatter every results table goes through;
- ``explorers``: ipywidgets explorers (neighbours, analogies, projections, random walks),
  with a static text view where widgets cannot render.
"""
