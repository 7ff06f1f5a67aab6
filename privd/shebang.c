/* A "#!" line, read by privd so that a script runs as its author wrote it:
 * privd execs the interpreter (checked like the program itself) with the
 * script's path as written, and the script's $0 is that path.  Executing
 * the checked script descriptor instead would show the script /dev/fd/4 as
 * its $0, which breaks scripts that find their name or directory through
 * it (Debian's init scripts do, to redirect to systemctl).  The script's
 * path was checked component by component (common/pathcheck.c): nobody but
 * root or the user it runs as can swap it before the interpreter opens it.
 *
 * Pure: bytes in, interpreter and optional argument out, as the kernel
 * reads them (binfmt_script): the first line of at most 255 bytes, blanks
 * after "#!", the interpreter up to the next blank, the rest of the line
 * with its blanks trimmed as one argument. */
#include <string.h>

#include "privd/privd.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

int
shebang_parse(const char *buf, size_t n, char *interp, size_t ilen, char *arg,
    size_t alen)
{
	const char *p, *end, *nl, *a, *ae;

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	if (n > SHEBANG_MAX)
		n = SHEBANG_MAX;
	nl = memchr(buf, '\n', n);
	if (nl == NULL)
		return -1;	/* longer than the kernel reads: refused */
	if (memchr(buf, '\0', (size_t)(nl - buf)) != NULL)
		return -1;
	p = buf + 2;
	end = nl;
	while (p < end && blank(*p))
		p++;
	a = p;
	while (a < end && !blank(*a))
		a++;
	if (a == p || (size_t)(a - p) >= ilen || *p != '/')
		return -1;	/* no interpreter, too long, or not absolute */
	memcpy(interp, p, (size_t)(a - p));
	interp[a - p] = '\0';
	while (a < end && blank(*a))
		a++;
	ae = end;
	while (ae > a && (blank(ae[-1]) || ae[-1] == '\r'))
		ae--;
	if ((size_t)(ae - a) >= alen)
		return -1;
	memcpy(arg, a, (size_t)(ae - a));
	arg[ae - a] = '\0';
	return 1;
}
