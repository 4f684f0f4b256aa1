"""The stages of a build, one module each; ``index/build.py`` runs them in order."""
