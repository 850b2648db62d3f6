"""How the Solara server presents this page: no banner, no repeated cookie warning, no script warning.

Applied once, when the page module is imported (``solara run app.py`` imports it at start).
"""

from __future__ import annotations

import warnings

from ipyvue import Template
from solara.server import settings
from solara.widgets.widgets import Navigator

#: Solara 1.64's router template assigns ``modules.export`` (a typo for ``module.exports``); the
#: browser then warns on every page load before it falls back to reading the script another way.
ROUTER_TYPO, ROUTER_FIX = "modules.export =", "module.exports ="


def hide_banner() -> None:
    """The "This website runs on Solara" banner sits over the page's bottom right corner."""
    settings.theme.show_banner = False


def quiet_cookie_warning() -> None:
    """Over plain http on the loopback address Solara warns at every request that a samesite=none
    cookie needs https; on 127.0.0.1 that is expected and says nothing new."""
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")


def correct_router_script() -> None:
    """Give each router widget its template with ``module.exports`` spelt right."""
    original = Navigator.__init__
    if getattr(original, "corrected", False):
        return

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if ROUTER_TYPO in self.template.template:
            self.template = Template(template=self.template.template.replace(ROUTER_TYPO, ROUTER_FIX))

    init.corrected = True
    Navigator.__init__ = init


def configure() -> None:
    hide_banner()
    quiet_cookie_warning()
    correct_router_script()
