// The grid's filters, kept in the page URL and mapped onto ListDatasetEntries' own filter
// members (AWS: ContainsLabels is "any of", at most 10 labels; Labeled; HasErrors, where only
// true filters; SourceRefContains). Pure: no DOM, no React.

export interface EntryFilters {
  readonly labels: readonly string[];
  readonly labeled: boolean | undefined;
  /** Only entries with errors; the API has no "without errors" (HasErrors=false is no filter). */
  readonly hasErrors: true | undefined;
  readonly sourceRef: string;
  /**
   * An error code (ERROR_INVALID_BOUNDING_BOX): entries with that error. Not an AWS filter: the
   * console lists HasErrors=true and keeps the entries with that code.
   */
  readonly errorCode?: string;
}

/** AWS: ListDatasetEntries accepts 1 to 10 ContainsLabels. */
export const MAX_LABEL_FILTERS = 10;

export interface StatsForCount {
  readonly TotalEntries?: number;
  readonly LabeledEntries?: number;
  readonly ErrorEntries?: number;
}

export function filtersFromQuery(query: URLSearchParams): EntryFilters {
  return {
    labels: [...new Set(query.getAll('label'))].slice(0, MAX_LABEL_FILTERS),
    labeled: bool(query.get('labeled')),
    hasErrors: bool(query.get('errors')) || undefined,
    sourceRef: query.get('q') ?? '',
    errorCode: query.get('code') || undefined,
  };
}

export function filtersToQuery(filters: EntryFilters): Record<string, string | readonly string[] | undefined> {
  return {
    label: filters.labels,
    labeled: filters.labeled === undefined ? undefined : String(filters.labeled),
    errors: filters.hasErrors ? 'true' : undefined,
    q: filters.sourceRef || undefined,
    code: filters.errorCode,
  };
}

/** The ListDatasetEntries members for these filters (without DatasetArn, token and page size). */
export function listFilters(filters: EntryFilters): { ContainsLabels?: string[]; Labeled?: boolean; HasErrors?: boolean; SourceRefContains?: string } {
  return {
    ...(filters.labels.length > 0 ? { ContainsLabels: [...filters.labels] } : {}),
    ...(filters.labeled === undefined ? {} : { Labeled: filters.labeled }),
    ...(filters.errorCode !== undefined || filters.hasErrors ? { HasErrors: true } : {}),
    // AWS: SourceRefContains must contain a non-blank character.
    ...(/\S/.test(filters.sourceRef) ? { SourceRefContains: filters.sourceRef } : {}),
  };
}

export function isFiltered(filters: EntryFilters): boolean {
  return Object.keys(listFilters(filters)).length > 0;
}

/**
 * How many entries the listing will have, when the dataset's counters say so (DatasetStats, or a
 * single label's EntryCount from ListDatasetLabels); undefined for combinations no counter
 * covers. Only a size hint for the scroll bar: the last page gives the exact number.
 */
export function expectedCount(filters: EntryFilters, stats: StatsForCount | undefined, labelCounts: ReadonlyMap<string, number>, codeCounts?: ReadonlyMap<string, number>): number | undefined {
  const { labels, labeled, hasErrors, sourceRef, errorCode } = filters;
  if (/\S/.test(sourceRef)) return undefined;
  if (errorCode !== undefined) return labels.length === 0 && labeled === undefined ? codeCounts?.get(errorCode) : undefined;
  const total = stats?.TotalEntries;
  const labeledCount = stats?.LabeledEntries;
  const errors = stats?.ErrorEntries;
  if (labels.length > 0) return labels.length === 1 && labeled !== false && hasErrors === undefined ? labelCounts.get(labels[0]) : undefined;
  if (labeled !== undefined && hasErrors !== undefined) return undefined;
  if (labeled === true) return labeledCount;
  if (labeled === false) return total === undefined || labeledCount === undefined ? undefined : total - labeledCount;
  if (hasErrors) return errors;
  return total;
}

function bool(value: string | null): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
}
