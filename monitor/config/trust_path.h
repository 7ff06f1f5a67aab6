/* Is the way to a control file safe from other users?  See trust_path.c. */
#ifndef VIGIL_CONFIG_TRUST_PATH_H
#define VIGIL_CONFIG_TRUST_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Every directory above path (as written and as resolved) is owned by root
 * or owner and not writable by group or others unless sticky and owned by
 * root; every symbolic link on the way is owned by root or owner.  False
 * with a sentence (what, and the fix) in why. */
bool config_path_trusted(const char *path, uid_t owner, char *why, size_t whylen);

#endif
