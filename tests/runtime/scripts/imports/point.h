struct point {
  int x;
  int y;
  long z;
};
