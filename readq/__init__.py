"""readq: a desktop reading queue for research papers.

The package is layered (see README): ``readq`` core (models, parsing, merge,
library service, CLI) never imports Qt; ``readq.store`` and ``readq.search``
import only the core; ``readq.ui`` is the only Qt code.
"""

__version__ = "0.1.0"
