// @seedpress/site: swap download links in a built static site for web-seeded .torrent links.
export { SiteError, type SiteErrorCode } from "./errors.js";
export {
  DEFAULT_CACHE_FILE,
  DEFAULT_DIRECT_ATTRIBUTE,
  DEFAULT_DIRECT_LABEL,
  DEFAULT_INCLUDE,
  DEFAULT_MAGNET_LABEL,
  DEFAULT_MANIFEST,
  DEFAULT_MAX_LINKS_PER_PAGE,
  DEFAULT_MAX_PAGE_SIZE,
  DEFAULT_MIN_SIZE,
  DEFAULT_PAGES,
  type SiteMode,
  type SiteOptions,
  type SiteProgress,
} from "./options.js";
export {
  formatSummary,
  type SiteFileResult,
  type SiteLinkResult,
  type SiteResult,
  type SiteSummary,
  type SiteWarning,
} from "./result.js";
export { torrentifySite } from "./site.js";
