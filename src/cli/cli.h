/*
** Commands of the program that live outside main.c: each takes the arguments after its name and
** returns the exit status.
*/
#ifndef CALLSCALE_CLI_H
#define CALLSCALE_CLI_H

int cs_cli_fit(int argc, char **argv);
int cs_cli_calibrate(int argc, char **argv);

#endif
