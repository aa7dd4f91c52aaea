/** A customer's answer to the closure survey: one per ticket. */
export interface SurveyResponse {
  desk: string;
  ticketId: string;
  /** 1–5 */
  csat?: number | undefined;
  /** 0–10 */
  nps?: number | undefined;
  comment?: string | undefined;
  submittedAt: string;
}

export interface SurveyStore {
  get(desk: string, ticketId: string): Promise<SurveyResponse | undefined>;
  /** Records the answer unless the ticket already has one (then returns the stored one). */
  putOnce(
    response: SurveyResponse,
  ): Promise<{ recorded: true } | { recorded: false; existing: SurveyResponse }>;
  /** Answers submitted in [from, to), at most `cap` (newest first). */
  listSubmittedBetween(
    desk: string,
    from: string,
    to: string,
    cap: number,
  ): Promise<{ responses: SurveyResponse[]; truncated: boolean }>;
}
