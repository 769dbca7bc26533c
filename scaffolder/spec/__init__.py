"""The project spec and what it is made of, one idea a module: environments, names, values,
settings, slots, the project-level choices, the spec itself, its validation and defaults."""
