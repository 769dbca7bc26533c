"""The full-screen new-project wizard: the app (`app.WizardApp`, `app.run_wizard`), what its
steps share (`steps`), and one screen a step under `screens/`."""
