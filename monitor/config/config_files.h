/* `vigil -t` only: the web interface's files and allow names (see
 * config_files.c). */
#ifndef VIGIL_MONITOR_CONFIG_CONFIG_FILES_H
#define VIGIL_MONITOR_CONFIG_CONFIG_FILES_H

struct config;
struct diag;

void config_check_files(const struct config *cf, struct diag *d);

#endif
