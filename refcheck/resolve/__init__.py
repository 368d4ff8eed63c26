"""The resolve stage: find each reference's registered record in Crossref."""

from refcheck.resolve.crossref import CrossrefResolver
from refcheck.resolve.interface import Resolver, ResolveRequest, ResolverError

__all__ = ["CrossrefResolver", "ResolveRequest", "Resolver", "ResolverError"]
