"""``python -m scenarios.calibration fit|check``: refit or check the speed factors and MFU."""

import sys

from scenarios.calibration.fit import main

sys.exit(main())
