#!/usr/bin/env python3
import sys

from facturier.cli import main

if __name__ == "__main__":
    sys.exit(main())
