"""One client per external system (Grandstream phone, Zammad, NFON). No Qt."""
