"""edgepos terminal core: the domain and its services. Imports no edge library."""
