// Read by the PostGraphile CLI started from this folder: filters across relations (Q1, Q3, Q4).
module.exports = {
  options: {
    graphileBuildOptions: { connectionFilterRelations: true },
  },
};
