"""Developer tool: re-vendor govuk-frontend's compiled CSS, JS and assets (needs npm; no Node at run time).

Usage: python -m casereview.frontend.vendor_govuk [version]   (default: the latest 6.x)
"""

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent / "static" / "govuk"


def vendor(spec: str = "govuk-frontend@6") -> str:
    with tempfile.TemporaryDirectory() as tmp:
        tarball = subprocess.run(
            ["npm", "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True, text=True
        ).stdout.split()[-1]
        with tarfile.open(Path(tmp) / tarball) as archive:
            archive.extractall(tmp, filter="data")
        dist = Path(tmp) / "package" / "dist" / "govuk"
        version = re.search(r'const version="([^"]+)"', (dist / "govuk-frontend.min.js").read_text()).group(1)

        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.mkdir(parents=True)
        # Images and manifest only: Casereview does not use the GDS Transport font.
        shutil.copytree(dist / "assets", TARGET / "assets", ignore=shutil.ignore_patterns("fonts"))

        css = (dist / "govuk-frontend.min.css").read_text()
        css = re.sub(r"@font-face\{[^}]*\}", "", css)  # the fonts are not vendored
        css = css.replace("url(/assets/", "url(assets/")  # resolve under /static/govuk/assets/
        css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
        (TARGET / "govuk-frontend.min.css").write_text(css)

        js = (dist / "govuk-frontend.min.js").read_text()
        js = re.sub(r"//# sourceMappingURL=\S+", "", js)
        (TARGET / "govuk-frontend.min.js").write_text(js)

        (TARGET / "VERSION").write_text(
            f"govuk-frontend {version}\n"
            "Vendored from npm by casereview/frontend/vendor_govuk.py:\n"
            "dist/govuk/govuk-frontend.min.css and .min.js, dist/govuk/assets/ without fonts.\n"
            "In the CSS, /assets/ URLs are made relative; the GDS Transport @font-face rules\n"
            "and source-map comments are removed.\n"
        )
        return version


if __name__ == "__main__":
    print(vendor(f"govuk-frontend@{sys.argv[1]}" if len(sys.argv) > 1 else "govuk-frontend@6"))
