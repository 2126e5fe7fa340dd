"""The static site (`digest site`): a wing beside the pipeline, reading the posts it wrote."""

from digest.site.build import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]
