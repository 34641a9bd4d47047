"""The catalogue area: the catalogue service, its repository and category images."""
