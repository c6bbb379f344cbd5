"""Build hook: the wheel carries the top-level templates/ and static/ and the compiled catalogues.

templates/ and static/ stay at the top of the checkout, where the app finds them when it
runs from there; an installed package finds its own copies inside portal/.
"""
import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
WEB_FOLDERS = ("templates", "static")


class BuildWithWebFiles(build_py):
    """build_py, plus templates, static files and .mo catalogues copied into the built package."""

    def run(self):
        super().run()
        if self.editable_mode:
            return  # an editable install runs from the checkout, which has them all
        package = Path(self.build_lib) / "portal"
        for name in WEB_FOLDERS:
            shutil.rmtree(package / name, ignore_errors=True)  # a build folder left over may hold deleted files
            shutil.copytree(ROOT / name, package / name)
        for po_path in (ROOT / "portal" / "translations").glob("*/LC_MESSAGES/messages.po"):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            target = package / po_path.relative_to(ROOT / "portal").with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildWithWebFiles})
