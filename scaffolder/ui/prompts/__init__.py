"""The line-by-line front end (questionary): the new-project questions and how they ask."""
