"""Translations from the command line (docs/translations.md).

python scripts/translations.py check    # would makemessages find a string without a translation?
python scripts/translations.py update   # makemessages into locale/: new strings appear empty there
python scripts/translations.py compile  # .po → .mo (pure Python; no GNU gettext needed)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zoomhub.translations import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
