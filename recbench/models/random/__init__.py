"""Random: every (user, item) pair gets a fixed pseudo-random score; the floor of any comparison."""
