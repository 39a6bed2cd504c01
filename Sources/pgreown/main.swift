print("pgreown")
