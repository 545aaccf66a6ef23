import { describe, expect, it } from 'vitest';
import { expectedCount, filtersFromQuery, filtersToQuery, isFiltered, listFilters, MAX_LABEL_FILTERS } from '../../../console/src/rekognition/entry-filters.js';
import type { EntryFilters } from '../../../console/src/rekognition/entry-filters.js';

const none: EntryFilters = { labels: [], labeled: undefined, hasErrors: undefined, sourceRef: '' };
const stats = { TotalEntries: 100, LabeledEntries: 70, ErrorEntries: 5 };

describe('the grid filters and ListDatasetEntries', () => {
  it('round-trips through the page URL', () => {
    const filters: EntryFilters = { labels: ['rose', 'tulip'], labeled: true, hasErrors: true, sourceRef: '2024/' };
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(filtersToQuery(filters))) {
      if (Array.isArray(value)) for (const v of value) params.append(name, v);
      else if (typeof value === 'string') params.set(name, value);
    }
    expect(filtersFromQuery(params)).toEqual(filters);
    expect(filtersFromQuery(new URLSearchParams('labeled=maybe'))).toEqual(none);
    // HasErrors=false is no filter in the API, so an old errors=false link shows everything.
    expect(filtersFromQuery(new URLSearchParams('errors=false'))).toEqual(none);
  });

  it('maps onto the API members, leaving out what is not set', () => {
    expect(listFilters(none)).toEqual({});
    expect(listFilters({ labels: ['a', 'b'], labeled: false, hasErrors: true, sourceRef: 'x' })).toEqual({
      ContainsLabels: ['a', 'b'], Labeled: false, HasErrors: true, SourceRefContains: 'x',
    });
    // AWS: SourceRefContains must contain a non-blank character.
    expect(listFilters({ ...none, sourceRef: '   ' })).toEqual({});
  });

  it('keeps at most the 10 labels ContainsLabels accepts', () => {
    const query = new URLSearchParams(Array.from({ length: 12 }, (_, i): [string, string] => ['label', `l${i}`]));
    expect(filtersFromQuery(query).labels).toHaveLength(MAX_LABEL_FILTERS);
  });

  it('sizes the listing from the counters where one covers the filter', () => {
    const labels = new Map([['rose', 12]]);
    expect(expectedCount(none, stats, labels)).toBe(100);
    expect(expectedCount({ ...none, labeled: true }, stats, labels)).toBe(70);
    expect(expectedCount({ ...none, labeled: false }, stats, labels)).toBe(30);
    expect(expectedCount({ ...none, hasErrors: true }, stats, labels)).toBe(5);
    expect(expectedCount({ ...none, labels: ['rose'] }, stats, labels)).toBe(12);
    expect(expectedCount({ ...none, labels: ['rose', 'tulip'] }, stats, labels)).toBeUndefined();
    expect(expectedCount({ ...none, labeled: true, hasErrors: true }, stats, labels)).toBeUndefined();
    expect(expectedCount({ ...none, sourceRef: 'x' }, stats, labels)).toBeUndefined();
    expect(expectedCount(none, undefined, labels)).toBeUndefined();
  });

  it('keeps an error code in the URL, lists HasErrors=true for it, and sizes it from the code counts', () => {
    const filters = filtersFromQuery(new URLSearchParams('code=ERROR_INVALID_BOUNDING_BOX&errors=false'));
    expect(filters.errorCode).toBe('ERROR_INVALID_BOUNDING_BOX');
    expect(filtersToQuery(filters)).toMatchObject({ code: 'ERROR_INVALID_BOUNDING_BOX' });
    expect(listFilters(filters)).toEqual({ HasErrors: true });
    expect(isFiltered(filters)).toBe(true);
    const codes = new Map([['ERROR_INVALID_BOUNDING_BOX', 3]]);
    expect(expectedCount(filters, stats, new Map(), codes)).toBe(3);
    expect(expectedCount({ ...filters, labels: ['rose'] }, stats, new Map(), codes)).toBeUndefined();
    expect(filtersFromQuery(new URLSearchParams('code=')).errorCode).toBeUndefined();
  });
});
