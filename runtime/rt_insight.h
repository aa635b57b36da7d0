/*
 * rt_insight.h -- what a rank tells mini-mpirun about itself so that the
 * launcher can show the user the inside of a job (issue 11).
 */
#ifndef MINIMPI_RT_INSIGHT_H
#define MINIMPI_RT_INSIGHT_H

/*
 * With MINIMPI_REPORT_TRANSPORTS=1 (mini-mpirun --report-transports): put
 * this rank's transport choices under the PMI key "minimpi-transports-<rank>"
 * (format in launcher/lnch_insight.h) and fence, so the launcher has every
 * rank's line before any rank returns from MPI_Init.  Collective; called at
 * the end of rt_progress_init.  Does nothing when the variable is 0.
 */
void rt_insight_report_transports(void);

#endif /* MINIMPI_RT_INSIGHT_H */
