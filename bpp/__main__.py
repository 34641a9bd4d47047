import sys

from bpp.cli import main

sys.exit(main())
