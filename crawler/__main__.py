"""`python -m crawler` is the same as `pantau`."""
from crawler.cli import main

if __name__ == "__main__":
    main()
