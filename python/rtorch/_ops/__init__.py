"""Ops composed in Python from device tensor ops, one module per family, each op declared once with
`rtorch._composite.composite`. `rtorch` re-exports every module's `__all__` (the function forms)."""
from . import linalg, shape
from .linalg import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
# tensorops families
from . import scatter, stats, products, copies, indexing, sampling
from .scatter import *  # noqa: F401,F403
from .stats import *  # noqa: F401,F403
from .products import *  # noqa: F401,F403
from .copies import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .sampling import *  # noqa: F401,F403
from . import removed
from .removed import *  # noqa: F401,F403

from . import variates
from .variates import *  # noqa: F401,F403
from . import spectral
from .spectral import *  # noqa: F401,F403

__all__ = [*linalg.__all__, *shape.__all__, *scatter.__all__, *stats.__all__, *products.__all__, *copies.__all__,
           *indexing.__all__, *sampling.__all__, *removed.__all__, *variates.__all__, *spectral.__all__]
# --- surface (session 5): strided-layout queries, complex copies, recurrent functions, histogramdd, low-rank
from . import layout, conversions, recurrent, embedding, lowrank, storage, eigsolvers
from .layout import *  # noqa: F401,F403
from .conversions import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .embedding import *  # noqa: F401,F403
from .lowrank import *  # noqa: F401,F403
from .storage import *  # noqa: F401,F403
from .eigsolvers import *  # noqa: F401,F403
__all__ += [*layout.__all__, *conversions.__all__, *recurrent.__all__, *embedding.__all__, *lowrank.__all__, *storage.__all__, *eigsolvers.__all__]
# --- end surface
# --- misc.py split by family (dedupe, session 6)
from . import pointwise, creation, indices, calculus, renorms, filling, transposes, queries, splits, inplace
from .pointwise import *  # noqa: F401,F403
from .creation import *  # noqa: F401,F403
from .indices import *  # noqa: F401,F403
from .calculus import *  # noqa: F401,F403
from .renorms import *  # noqa: F401,F403
from .filling import *  # noqa: F401,F403
from .transposes import *  # noqa: F401,F403
from .queries import *  # noqa: F401,F403
from .splits import *  # noqa: F401,F403
from .inplace import *  # noqa: F401,F403
__all__ += [*pointwise.__all__, *creation.__all__, *indices.__all__, *calculus.__all__, *renorms.__all__,
            *filling.__all__, *transposes.__all__, *queries.__all__, *splits.__all__, *inplace.__all__]
# --- end misc split
