"""The app process: the composition root (main.py), settings and the HTTP routers."""
