/**
 * The services Trove's own operations call (`/_trove/api/`). Each capability that is not an AWS
 * operation (history, exports, jobs, ...) adds its domain service here and its operations beside.
 */
export interface TroveServices {}
